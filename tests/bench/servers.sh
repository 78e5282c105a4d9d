# servers.sh - per-server configuration for tests/bench/run.sh (sourced).
# config_NAME writes NAME's config into $RUN and sets CMD (the foreground
# command line).  Common ground for all four servers: loopback only, the
# same user, hash and home ($DATA), the user confined to its home (chroot or
# equivalent), uploads allowed with umask 022, no reverse DNS, no ident, no
# transfer log, passive ports in the server's own range.  In the plain
# section no TLS at all; in the TLS section ($TLS set) explicit FTPS is
# REQUIRED for login and data, with one self-signed certificate per run
# ($CERT, $KEY; make_cert in lib.sh), data connections resuming the control
# session where the server can demand it, TLS 1.2 and 1.3 offered (the
# client pins the version and AES-256-GCM).

# zcftpd as deployed: started as root with privilege separation (pre-login
# process as the "zcftpd" system account in an empty jail, root monitor
# checking the password); the virtual user runs as the system account
# $BUSER, so uploads get the same owner as with the peers.
config_zcftpd() {
	local conf=$RUN/zcftpd.conf users=$RUN/zcftpd.users
	if ! id zcftpd >/dev/null 2>&1; then
		useradd --system --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin zcftpd || return 1
	fi
	mkdir -p "$RUN/zcftpd-run"
	# Virtual-users file: name:hash:root (the same hash as /etc/shadow).
	echo "$BUSER:$BHASH:$DATA" >"$users"
	chmod 600 "$users"
	cat >"$conf" <<-EOF
	listen {
		address = {"$HOST"}
		port = ${PORT[zcftpd]}
	}
	server {
		foreground = true
		privsep = ${ZC_PRIVSEP:-true}
		privsep_user = "zcftpd"
		run_dir = "$RUN/zcftpd-run"
	}
	anonymous {
		enable = false
	}
	users {
		file = "$users"
		writable = true
		umask = "022"
		local_enable = false
		virtual_account = "$BUSER"
	}
	passive {
		min_port = ${PASV_LO[zcftpd]}
		max_port = ${PASV_HI[zcftpd]}
	}
	limits {
		max_clients = 200
		max_per_ip = 200
	}
	log {
		xferlog = ""
		syslog = false
		level = 1
	}
	EOF
	[ -z "$TLS" ] || cat >>"$conf" <<-EOF
	tls {
		enable = true
		cert_file = "$CERT"
		key_file = "$KEY"
		require_login = "all"
		require_data = "all"
		require_reuse = true
		ktls = ${ZC_KTLS:-true}
	}
	EOF
	CMD=("$ZCFTPD" -f -c "$conf")
}

# vsftpd authenticates local users through PAM only: a minimal service file
# of our own (pam_unix against /etc/shadow), not Debian's "vsftpd" one.
config_vsftpd() {
	local conf=$RUN/vsftpd.conf empty=$RUN/vsftpd-empty
	mkdir -p "$empty"
	chmod 755 "$empty"
	cat >/etc/pam.d/zcbench-vsftpd <<-'EOF'
	# written by zcftpd tests/bench/run.sh for its vsftpd instance
	auth	required	pam_unix.so
	account	required	pam_unix.so
	session	required	pam_permit.so
	EOF
	cat >"$conf" <<-EOF
	listen=YES
	listen_ipv6=NO
	listen_address=$HOST
	listen_port=${PORT[vsftpd]}
	background=NO
	anonymous_enable=NO
	local_enable=YES
	write_enable=YES
	local_umask=022
	chroot_local_user=YES
	allow_writeable_chroot=YES
	pam_service_name=zcbench-vsftpd
	secure_chroot_dir=$empty
	pasv_enable=YES
	pasv_min_port=${PASV_LO[vsftpd]}
	pasv_max_port=${PASV_HI[vsftpd]}
	xferlog_enable=NO
	dirmessage_enable=NO
	tcp_wrappers=NO
	max_clients=200
	max_per_ip=200
	seccomp_sandbox=${VSFTPD_SECCOMP:-NO}
	EOF
	# vsftpd 3.0.3 has no TLS 1.3 switch: OpenSSL offers 1.3 unless told
	# not to; ssl_ciphers only shapes TLS 1.2.
	if [ -z "$TLS" ]; then
		echo "ssl_enable=NO" >>"$conf"
	else
		cat >>"$conf" <<-EOF
		ssl_enable=YES
		rsa_cert_file=$CERT
		rsa_private_key_file=$KEY
		force_local_logins_ssl=YES
		force_local_data_ssl=YES
		require_ssl_reuse=YES
		ssl_ciphers=HIGH
		EOF
	fi
	CMD=("$PEERROOT/usr/sbin/vsftpd" "$conf")
}

# ProFTPD checks the same hash through mod_auth_file (passwd format).
# mod_delay is switched off: it sleeps on purpose after each PASS, which
# would turn sessions/s into a measure of that sleep, not of the server.
config_proftpd() {
	local conf=$RUN/proftpd.conf
	echo "$BUSER:$BHASH:$BUID:$BGID::$DATA:/bin/sh" >"$RUN/proftpd.passwd"
	echo "$BUSER:x:$BGID:" >"$RUN/proftpd.group"
	chmod 600 "$RUN/proftpd.passwd"
	cat >"$conf" <<-EOF
	ServerType standalone
	ServerName "zcbench"
	DefaultServer on
	Port ${PORT[proftpd]}
	DefaultAddress $HOST
	SocketBindTight on
	UseIPv6 off
	User nobody
	Group nogroup
	MaxInstances 200
	PassivePorts ${PASV_LO[proftpd]} ${PASV_HI[proftpd]}
	UseReverseDNS off
	AuthOrder mod_auth_file.c
	AuthUserFile $RUN/proftpd.passwd
	AuthGroupFile $RUN/proftpd.group
	AuthPAM off
	RequireValidShell off
	UseFtpUsers off
	DefaultRoot ~
	Umask 022
	AllowOverwrite on
	DelayEngine off
	ScoreboardFile $RUN/proftpd.scoreboard
	PidFile $RUN/proftpd.pid
	SystemLog $RUN/proftpd.syslog
	TransferLog NONE
	WtmpLog off
	EOF
	# mod_tls is a DSO in Debian 12 (package proftpd-mod-crypto).  Session
	# reuse on data connections is required by default (no
	# NoSessionReuseRequired); tickets let TLS 1.3 clients resume.
	[ -z "$TLS" ] || cat >>"$conf" <<-EOF
	ModulePath $PEERROOT/usr/lib/proftpd
	LoadModule mod_tls.c
	TLSEngine on
	TLSLog $RUN/proftpd.tls.log
	TLSProtocol TLSv1.2 TLSv1.3
	TLSCipherSuite HIGH
	TLSRSACertificateFile $CERT
	TLSRSACertificateKeyFile $KEY
	TLSRequired on
	TLSVerifyClient off
	TLSRenegotiate none
	TLSSessionTickets on
	EOF
	CMD=("$PEERROOT/usr/sbin/proftpd" -n -c "$conf")
}

# Pure-FTPd: everything on the command line; -l unix reads /etc/shadow.
# TLS: -Y 3 refuses clear text on control and data, -2 CERT,KEY.
config_pureftpd() {
	CMD=("$PEERROOT/usr/sbin/pure-ftpd"
		-S "$HOST,${PORT[pureftpd]}" -4
		-l unix -E -A -H
		-p "${PASV_LO[pureftpd]}:${PASV_HI[pureftpd]}"
		-c 200 -C 200 -U 022:022 -f none
		-g "$RUN/pure-ftpd.pid")
	if [ -n "$TLS" ]; then
		CMD+=(-Y 3 -2 "$CERT,$KEY" -J HIGH)
	else
		CMD+=(-Y 0)
	fi
}
