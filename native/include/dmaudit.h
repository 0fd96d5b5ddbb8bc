/* dmaudit native shim: the few netlink socket operations awkward from Java. */
#ifndef DMAUDIT_H
#define DMAUDIT_H

/* Returns the shim's ABI version, so Java can refuse a stale library. */
int dmaudit_abi_version(void);

#endif
