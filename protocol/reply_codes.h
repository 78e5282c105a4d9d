/*
 * reply_codes.h - every FTP reply code zcftpd sends or understands, and the
 * protocol limits. RFC 959 section 4.2 gives the meaning of the digits;
 * later RFCs (2228 security, 2389 FEAT, 2428 IPv6, 3659 extensions,
 * 4217 TLS) add the rest. Use these names, never bare numbers.
 */
#ifndef ZC_REPLY_CODES_H
#define ZC_REPLY_CODES_H

enum ftp_reply_code {
	/* 1yz positive preliminary */
	FTP_R_RESTART_MARKER = 110,	/* RFC 959 */
	FTP_R_READY_SOON = 120,
	FTP_R_DATA_ALREADY_OPEN = 125,
	FTP_R_FILE_STATUS_OK = 150,
	/* 2yz positive completion */
	FTP_R_OK = 200,
	FTP_R_NOT_IMPL_SUPERFLUOUS = 202,
	FTP_R_SYSTEM_STATUS = 211,	/* also FEAT (RFC 2389) */
	FTP_R_DIR_STATUS = 212,
	FTP_R_FILE_STATUS = 213,	/* also SIZE, MDTM (RFC 3659), HASH */
	FTP_R_HELP = 214,
	FTP_R_SYSTEM_TYPE = 215,
	FTP_R_READY = 220,
	FTP_R_GOODBYE = 221,
	FTP_R_DATA_OPEN_NO_XFER = 225,
	FTP_R_XFER_DONE = 226,
	FTP_R_PASV = 227,
	FTP_R_LPSV = 228,		/* RFC 1639 */
	FTP_R_EPSV = 229,		/* RFC 2428 */
	FTP_R_LOGGED_IN = 230,
	FTP_R_LOGGED_IN_SEC = 232,	/* RFC 2228: logged in, authorized by security exchange */
	FTP_R_AUTH_OK = 234,		/* RFC 2228/4217 AUTH TLS accepted */
	FTP_R_FILE_ACTION_OK = 250,
	FTP_R_PATH_CREATED = 257,
	/* 3yz positive intermediate */
	FTP_R_NEED_PASSWORD = 331,
	FTP_R_NEED_ACCOUNT = 332,
	FTP_R_SEC_DATA_NEEDED = 334,	/* RFC 2228 ADAT */
	FTP_R_PENDING = 350,		/* REST, RNFR */
	/* 4yz transient negative */
	FTP_R_UNAVAILABLE = 421,
	FTP_R_CANT_OPEN_DATA = 425,
	FTP_R_XFER_ABORTED = 426,
	FTP_R_SEC_RESOURCE = 431,	/* RFC 2228: need some unavailable resource */
	FTP_R_FILE_BUSY = 450,
	FTP_R_LOCAL_ERROR = 451,
	FTP_R_NO_SPACE = 452,
	/* 5yz permanent negative */
	FTP_R_SYNTAX = 500,
	FTP_R_SYNTAX_ARG = 501,
	FTP_R_NOT_IMPL = 502,
	FTP_R_BAD_SEQUENCE = 503,
	FTP_R_NOT_IMPL_PARAM = 504,
	FTP_R_DATA_PROT_REFUSED = 521,	/* RFC 4217 9: data connection refused at this PROT level */
	FTP_R_PROT_NOT_SUPPORTED = 522,	/* RFC 2428: network protocol not supported */
	FTP_R_NOT_LOGGED_IN = 530,
	FTP_R_NEED_ACCOUNT_STORE = 532,
	FTP_R_PROT_DENIED = 533,	/* RFC 2228: command protection level denied */
	FTP_R_POLICY_DENIED = 534,	/* RFC 2228/4217: request denied for policy reasons */
	FTP_R_PROT_LEVEL_NOT_SUPPORTED = 536,	/* RFC 2228 PROT level */
	FTP_R_FILE_UNAVAILABLE = 550,
	FTP_R_PAGE_TYPE_UNKNOWN = 551,
	FTP_R_EXCEEDED_STORAGE = 552,
	FTP_R_BAD_FILENAME = 553,
	FTP_R_BAD_REST = 554,		/* RFC 3659 5.4: invalid REST parameter */
	FTP_R_BAD_RANGE = 556,		/* draft-bryan-ftpext-hash: invalid RANG */
};

/* Longest control line we accept from a client, including CRLF. */
#define FTP_LINE_MAX 4096
/* Client side: most lines and longest line of one (multi-line) reply. */
#define FTP_REPLY_LINES_MAX 10000
#define FTP_REPLY_LINE_MAX 8192

#endif
