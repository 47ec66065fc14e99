"""The command line, ``python -m secureshim`` (``__main__`` dispatches here).

``main``: arguments, exit codes and errors; ``report``: the report's text;
``check``: ``check HOST[:PORT]``; ``x509``: what a certificate chain lacks
for VERIFY_X509_STRICT; ``render``: colour, aligned rows and output that any
terminal encoding can take; ``startup``: configuration errors raised while
the package is imported for the command line.

Nothing here is imported by ``import secureshim`` (``startup`` only when a
configuration error is being raised).
"""
