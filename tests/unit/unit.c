/* unit.c: runs every unit test; the last line is "N passed, N failed". */
#include "harness.h"

int harness_passed;
int harness_failed;

void test_parse(void);
void test_rules(void);
void test_input(void);
void test_input_crc(void);
void test_ftab(void);
void test_memo(void);
void test_memo_tuples(void);
void test_hit(void);
void test_hit_names(void);
void test_day(void);
void test_route(void);
void test_sdk(void);
void test_registry(void);
void test_gonogo(void);
void test_paste(void);
void test_store(void);
void test_client(void);

int main(void)
{
	test_parse();
	test_rules();
	test_input();
	test_input_crc();
	test_ftab();
	test_memo();
	test_memo_tuples();
	test_hit();
	test_hit_names();
	test_day();
	test_route();
	test_sdk();
	test_registry();
	test_gonogo();
	test_paste();
	test_store();
	test_client();
	printf("unit: %d passed, %d failed\n", harness_passed, harness_failed);
	return harness_failed != 0;
}
