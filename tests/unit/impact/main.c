// The fixture programs: never run, only read by the loader's tests.
int impactfix_answer(void);

int main(void) {
  return impactfix_answer() == 42 ? 0 : 1;
}
