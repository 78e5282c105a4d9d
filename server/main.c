/* main.c - placeholder until the master process lands. */
#include "config.h"
int main(void) { return 0; }
