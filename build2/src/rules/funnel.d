build2/src/rules/funnel.o: src/rules/funnel.c include/revl/route.h \
 include/revl/common.h include/revl/criteria.h include/revl/parse.h \
 include/revl/store.h include/revl/stage_order.h include/revl/frame.h
include/revl/route.h:
include/revl/common.h:
include/revl/criteria.h:
include/revl/parse.h:
include/revl/store.h:
include/revl/stage_order.h:
include/revl/frame.h:
