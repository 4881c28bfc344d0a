/* lookup.c: an outside program, built by install.sh against the installed errwhy.h and
 * liberrwhy through pkg-config. Prints the number of EADDRINUSE on this system. */
#include <errwhy.h>
#include <stdio.h>

int main(void)
{
	struct ew_match m[4];

	if (ew_lookup("EADDRINUSE", m, 4, NULL) == 0)
		return 1;
	printf("%d\n", m[0].entry->number);
	return 0;
}
