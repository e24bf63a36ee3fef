// libsystemc.so defines main() and references sc_main; executables with their own main() (acv, the
// Catch2 tests) link this stub so that reference resolves. It never runs: their main() wins.
#include <systemc>

int sc_main(int /*argc*/, char* /*argv*/[]) { return 0; }
