"""Job pages: employers, postings, public search and campaigns."""
