namespace pftoken::amm { int placeholder_symbol_ = 0; }
