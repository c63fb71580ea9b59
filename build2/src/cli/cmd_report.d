build2/src/cli/cmd_report.o: src/cli/cmd_report.c src/cli/cli.h \
 include/revl/common.h include/revl/ingest.h include/revl/parse.h \
 include/revl/store.h include/revl/report.h include/revl/frame.h \
 include/revl/report_icp.h include/revl/sbuf.h include/revl/runtime.h
src/cli/cli.h:
include/revl/common.h:
include/revl/ingest.h:
include/revl/parse.h:
include/revl/store.h:
include/revl/report.h:
include/revl/frame.h:
include/revl/report_icp.h:
include/revl/sbuf.h:
include/revl/runtime.h:
