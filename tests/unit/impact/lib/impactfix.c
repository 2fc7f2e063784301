// The library the fixture programs need; it has no search path of its own.
int impactdep_value(void);
int impactfix_answer(void);

int impactfix_answer(void) {
  return impactdep_value() + 1;
}
