build2/src/report/section.o: src/report/section.c include/revl/parse.h \
 include/revl/report.h include/revl/common.h include/revl/frame.h \
 include/revl/store.h include/revl/report_icp.h include/revl/sbuf.h
include/revl/parse.h:
include/revl/report.h:
include/revl/common.h:
include/revl/frame.h:
include/revl/store.h:
include/revl/report_icp.h:
include/revl/sbuf.h:
