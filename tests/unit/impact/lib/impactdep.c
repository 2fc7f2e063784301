// Needed by libimpactfix, found only through a search path that reaches it.
int impactdep_value(void);

int impactdep_value(void) {
  return 41;
}
