#include "err.h"
#include <stdio.h>
int main(void) { puts("digest " DG_VERSION); return 0; }
