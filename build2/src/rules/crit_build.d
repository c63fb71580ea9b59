build2/src/rules/crit_build.o: src/rules/crit_build.c \
 include/revl/criteria.h include/revl/common.h include/revl/parse.h \
 include/revl/store.h include/revl/reasons.h include/revl/eval.h \
 include/revl/rules.h include/revl/sbuf.h
include/revl/criteria.h:
include/revl/common.h:
include/revl/parse.h:
include/revl/store.h:
include/revl/reasons.h:
include/revl/eval.h:
include/revl/rules.h:
include/revl/sbuf.h:
