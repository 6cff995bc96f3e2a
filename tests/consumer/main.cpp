// A project using the installed package: one symbol from each library it links, so a missing
// library or header fails the build.
#include <iostream>

#include "pftoken/error.hpp"
#include "pftoken/version.hpp"
#ifdef PFTOKEN_CONSUMER_CHARTS
#include "pftoken/charts/charts.hpp"
#endif

int main() {
    const pftoken::InputError error(pftoken::SourceLocation{"consumer.yaml", 1, 2}, "consumer.field", "must be installed");
    std::cout << "pftoken " << pftoken::version() << '\n' << error.what() << '\n';
#ifdef PFTOKEN_CONSUMER_CHARTS
    std::cout << "charts palette: " << pftoken::charts::palette().size() << " colours\n";
#endif
}
