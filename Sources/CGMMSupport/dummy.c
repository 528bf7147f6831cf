#include "gmm_support.h"
int gmm_dummy(void){return 1;}
