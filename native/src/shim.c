#include "dmaudit.h"

int dmaudit_abi_version(void) { return 1; }
