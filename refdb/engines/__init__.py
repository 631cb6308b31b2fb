"""Engines: the modules that run an external program (pandoc's citeproc, and later typst and
Graphviz) over records the formats build.  They sit beside ``formats/`` and, like it, never import
the database layers: records in, text or files out."""
