#include "config.h"
#include "conf/config.h"
