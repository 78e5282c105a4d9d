/*
 * datachan.h - the data connection of a session: passive listeners
 * (PASV/EPSV), active targets (PORT/EPRT), and opening the connection with
 * the theft and bounce checks.
 */
#ifndef ZC_DATACHAN_H
#define ZC_DATACHAN_H

#include <stdint.h>

struct session;

/* Forget any prepared data connection (the passive listener stays). */
void data_reset(struct session *s);
/* Also close the passive listener (end of session, REIN). */
void data_close_all(struct session *s);
/* PASV/EPSV: open the session's passive listener, or reuse it after
 * discarding stale queued connections; arm it for the next transfer.
 * Returns 0 with *port set, or -errno. */
int data_arm_passive(struct session *s, uint16_t *port);
/* 1 if PASV/EPSV or PORT/EPRT prepared a data connection. */
int data_prepared(const struct session *s);
/* Open the prepared data connection: accept on the passive listener
 * (dropping connections from any host other than the control peer, and
 * waiting on until accept_timeout) or connect to the PORT target.
 * Returns a connected fd, or -errno (the caller replies 425). The prepared
 * state is consumed either way. */
int data_open(struct session *s);

#endif
