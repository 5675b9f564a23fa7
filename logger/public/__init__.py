"""The public summary: quarterly counts anyone may read, once an admin publishes them."""
