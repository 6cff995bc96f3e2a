#include <iostream>

#include "pftoken/version.hpp"

int main() { std::cout << "pftoken " << pftoken::version() << '\n'; }
