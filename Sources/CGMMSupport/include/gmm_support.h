int gmm_dummy(void);
