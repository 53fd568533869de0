/* SPDX-License-Identifier: BSD-3-Clause */
/* What the unit tests share. Include after <cmocka.h>. */
#ifndef YARD_TESTS_UNIT_H
#define YARD_TESTS_UNIT_H

#include <string.h>

/* Fail unless string `hay` contains `needle` (a NULL hay fails too). */
#define assert_contains(hay, needle)					\
	do {								\
		const char *h_ = (hay), *n_ = (needle);			\
		if (h_ == NULL || strstr(h_, n_) == NULL)		\
			fail_msg("'%s' does not contain '%s'",		\
				 h_ ? h_ : "(null)", n_);		\
	} while (0)

#endif /* YARD_TESTS_UNIT_H */
