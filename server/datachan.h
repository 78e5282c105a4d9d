/*
 * datachan.h - the data connection of a session: passive listeners
 * (PASV/EPSV), active targets (PORT/EPRT), and opening the connection with
 * the theft and bounce checks.
 */
#ifndef ZC_DATACHAN_H
#define ZC_DATACHAN_H

struct session;

/* Forget any prepared data connection (closes a passive listener). */
void data_reset(struct session *s);
/* 1 if PASV/EPSV or PORT/EPRT prepared a data connection. */
int data_prepared(const struct session *s);
/* Open the prepared data connection: accept on the passive listener
 * (dropping connections from any host other than the control peer, and
 * waiting on until accept_timeout) or connect to the PORT target.
 * Returns a connected fd, or -errno (the caller replies 425). The prepared
 * state is consumed either way. */
int data_open(struct session *s);

#endif
