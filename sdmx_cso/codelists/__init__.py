"""Code lists: the :class:`Code` and :class:`Codelist` models.

The packaged code lists of the standard are loaded by :mod:`sdmx_cso.standard`
(:func:`sdmx_cso.get_codelist`, :func:`sdmx_cso.list_codelists`).
"""

from sdmx_cso.codelists.model import Code, Codelist, closest_codes

__all__ = ["Code", "Codelist", "closest_codes"]
