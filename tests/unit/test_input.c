/* test_input.c */
#include "harness.h"
void test_input(void);
void test_input(void) {}
