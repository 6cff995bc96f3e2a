namespace pftoken::integration { int placeholder_symbol_ = 0; }
