"""Provider knowledge as data: the built-in providers/*.toml, with a project's chatconform.toml merged over
it, read into one immutable ProviderData per run (ProviderData.load) and passed to whatever needs it.

The project file is `--config PATH`, else $CHATCONFORM_CONFIG, else the project folder's chatconform.toml
(the folder model.paths.project_root finds walking up). Both are validated by schema.json; a bad file is
one line (exit 2).
"""

from chatconform.providers._load import (
    CONFIG_ENV,
    PROJECT_FILE,
    find_project_file,
    load_providers,
    project_file,
)
from chatconform.providers._validate import schema
from chatconform.providers.data import ProviderData, RunSettings
from chatconform.providers.profiles import (
    BASE_SHAPE,
    GENERIC,
    Deviation,
    Documented,
    Profile,
    Shape,
    build_request,
    covers,
    price_per_token,
)

__all__ = [
    "BASE_SHAPE",
    "CONFIG_ENV",
    "Deviation",
    "Documented",
    "GENERIC",
    "PROJECT_FILE",
    "Profile",
    "ProviderData",
    "RunSettings",
    "Shape",
    "build_request",
    "covers",
    "find_project_file",
    "load_providers",
    "price_per_token",
    "project_file",
    "schema",
]
