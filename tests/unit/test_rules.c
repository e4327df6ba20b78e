/* test_rules.c */
#include "harness.h"
void test_rules(void);
void test_rules(void) {}
