"""Infrastructure the domain stands on, apart from extraction, merging and the formats:
atomic files (``fileio``), the on-disk spool that holds a build's papers in id order
(``spool``), the output folder's lock (``outlock``) and the build's stage clock (``clock``)."""
