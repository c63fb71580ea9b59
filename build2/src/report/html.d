build2/src/report/html.o: src/report/html.c include/revl/report.h \
 include/revl/common.h include/revl/frame.h include/revl/store.h \
 include/revl/report_icp.h include/revl/sbuf.h
include/revl/report.h:
include/revl/common.h:
include/revl/frame.h:
include/revl/store.h:
include/revl/report_icp.h:
include/revl/sbuf.h:
