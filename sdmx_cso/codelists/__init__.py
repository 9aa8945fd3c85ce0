"""Code lists: the `Code` and `Codelist` models.

The packaged code lists of the standard are loaded by `sdmx_cso.standard`
(`sdmx_cso.get_codelist`, `sdmx_cso.list_codelists`).
"""

from sdmx_cso.codelists.model import Code, Codelist, closest_codes

__all__ = ["Code", "Codelist", "closest_codes"]
