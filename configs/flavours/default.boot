# no parameter beyond the suite's own
