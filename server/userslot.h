/*
 * userslot.h - the per-user session cap (max_sessions), shared by the
 * privilege-separated monitor and the single-process session.
 *
 * One flock()ed slot file per live session in run_dir/sessions: the
 * kernel drops the lock when the process that holds it dies, so a
 * crashed or killed session never keeps a slot, and no master is needed
 * (inetd mode counts too).
 */
#ifndef ZC_USERSLOT_H
#define ZC_USERSLOT_H

#include "conf/config.h"

/* Take one of name's max slots (max <= 0: no cap). The slot is held by
 * *slot_fd (-1 without a cap) until it is closed or the process ends.
 * Returns 0, -EUSERS when all are taken, or another -errno (run_dir not set:
 * -ENXIO). */
int user_slot_take(const struct zc_config *cfg, const char *name, int max, int *slot_fd);

/* One log line for a refusal by user_slot_take's result (none for 0). */
void user_slot_log(int rc, const char *name, int max);

#endif
