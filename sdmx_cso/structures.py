"""SDMX structures, and the coalition's register that versions them.

Every dataset is a dataflow of the one DSD; the register (`Register`, `read_register`,
`write_register`, `register_dataset`) holds the coalition's code lists and each registered
dataset's constraint. `structure_of` gives the structures a dataset's messages refer to;
`write_structures`/`export_structures` write them (SDMX-ML 2.1 and 3.0, SDMX-JSON 2.0), and
`to_sdmx1` hands them to sdmx1.
"""

from sdmx_cso.api import register_dataset
from sdmx_cso.bridge import export_structures, to_sdmx1, write_structures
from sdmx_cso.formats import STRUCTURE_FORMATS
from sdmx_cso.io.register_file import read_register, write_register
from sdmx_cso.model.register import Register
from sdmx_cso.model.structure import DatasetStructure, structure_of

__all__ = [
    "STRUCTURE_FORMATS",
    "DatasetStructure",
    "Register",
    "export_structures",
    "read_register",
    "register_dataset",
    "structure_of",
    "to_sdmx1",
    "write_register",
    "write_structures",
]
