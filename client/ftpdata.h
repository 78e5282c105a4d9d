/*
 * ftpdata.h - internal to the client's data-connection code (ftpdata.c:
 * opening data connections and listings; ftpxfer.c: RETR and STOR).
 * Not an API for the rest of the client: use ftpconn.h.
 */
#ifndef ZC_CLIENT_FTPDATA_H
#define ZC_CLIENT_FTPDATA_H

#include <stdint.h>

#include "ftpconn.h"

/*
 * Open the data connection for "cmd path" (path may be NULL), with REST
 * offset first when offset > 0, and read its 1xx reply. When the same
 * RETR was sent ahead by ftp_retr_begin(), its replies are read instead.
 * Returns the data fd (connected; NON-BLOCKING over plain FTP), or a
 * negative error (the command failed or was never sent; the control
 * connection is in step or closed).
 */
int data_begin(struct ftpconn *c, const char *cmd, const char *path,
	       uint64_t offset);
/* After the data: the final 226 (or 250). Returns xfer_rc when it is
 * 2xx, -EREMOTEIO for another reply, or a network error. */
int data_end(struct ftpconn *c, int xfer_rc);
/* Under FTPS the data connection's TLS handshake (*ssl = NULL on plain
 * FTP). On failure dfd is closed and the final reply read. 0 or -EPROTO. */
int data_tls(struct ftpconn *c, int dfd, SSL **ssl);
/* Close a data connection after reading its EOF, with an RST (see .c). */
void data_close_after_eof(int fd);

#endif
