"""Run the real Django API with known data, for the web's Playwright tests and Lighthouse.

Migrates the five databases (``migrate_alias``), resets them to a known catalogue, two
readers and their progress, computes the popular ranking with the real Celery task, empties
the API's Redis cache, then serves under gunicorn on 127.0.0.1 until stopped (SIGTERM).

    .venv/bin/python tests/web/serve_api.py --port 8765
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app"
HERE = Path(__file__).resolve().parent
ALIASES = ("default", "auth_db", "catalog_db", "reading_db", "recommendation_db")

#: Signed-in reader used by the tests (tests/e2e in app/web read the same values).
READER = ("amina", "lire-a-dakar-2026")

SEED = """
from django.contrib.auth import get_user_model
from django.core.cache import cache
from coko.catalog.models import Book
from coko.reading.models import ReadingProgress
from coko.recommendations.models import PopularBook
from coko.recommendations.tasks import compute_popular_books

ReadingProgress.objects.all().delete()
PopularBook.objects.all().delete()
Book.objects.all().delete()
User = get_user_model()
User.objects.all().delete()
books = [
    ("L'Enfant noir", "Camara Laye", "fr", 1953, "Souvenirs d'enfance en Haute-Guinée."),
    ("Les Soleils des indépendances", "Ahmadou Kourouma", "fr", 1968, "Fama, dernier prince du Horodougou."),
    ("Une si longue lettre", "Mariama Bâ", "fr", 1979, "Une lettre de Ramatoulaye à son amie Aïssatou."),
    ("Things Fall Apart", "Chinua Achebe", "en", 1958, "Okonkwo and the coming of the missionaries."),
    ("Half of a Yellow Sun", "Chimamanda Ngozi Adichie", "en", 2006, "Nigeria during the Biafran war."),
    ("Petals of Blood", "Ngũgĩ wa Thiong'o", "en", 1977, "A murder investigation in Ilmorog."),
    ("Allah n'est pas obligé", "Ahmadou Kourouma", "fr", 2000, "Birahima, enfant-soldat."),
    ("So Long a Letter", "Mariama Bâ", "en", 1981, "The English translation of Une si longue lettre."),
]
books += [(f"Contes du fleuve {n:02d}", "Birago Diop", "fr", 1947, "") for n in range(1, 31)]
created = [
    Book.objects.create(title=t, author=a, language=lang, published_year=y, description=d, isbn=f"978-e2e-{i:05d}")
    for i, (t, a, lang, y, d) in enumerate(books)
]
reader = User.objects.create_user(username="{reader}", password="{password}")
others = [User.objects.create_user(username=f"lecteur{n}", password=None) for n in range(3)]
# Popularity: Things Fall Apart has 3 readers, Une si longue lettre 2, L'Enfant noir 1.
for user, book in [(others[0], 3), (others[1], 3), (others[2], 3), (others[0], 2), (others[1], 2), (others[2], 0)]:
    ReadingProgress.objects.create(user_id=user.pk, book_id=created[book].pk, percent=40)
ReadingProgress.objects.create(user_id=reader.pk, book_id=created[1].pk, percent=25)
compute_popular_books()
cache.delete_pattern("*")
print("seeded", len(created), "books")
"""


def django_env() -> dict[str, str]:
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "web_e2e_settings"
    env["PYTHONPATH"] = os.pathsep.join([str(APP), str(HERE)])
    return env


def manage(*args: str) -> None:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=APP, env=django_env(), capture_output=True, text=True, check=False)
    if result.returncode:
        sys.exit(f"serve_api: manage.py {' '.join(args[:2])} failed:\n{result.stdout}{result.stderr}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    for alias in ALIASES:
        manage("migrate_alias", alias, "--verbosity", "0")
    manage("shell", "-c", SEED.replace("{reader}", READER[0]).replace("{password}", READER[1]))
    # Run from this folder, not app/: gunicorn would otherwise load app/gunicorn.conf.py
    # (production binds, extra listeners) by default. exec: Playwright's SIGTERM reaches
    # gunicorn itself, which stops its workers.
    os.chdir(HERE)
    os.execve(
        sys.executable,
        [
            sys.executable,
            "-m",
            "gunicorn",
            "coko.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        django_env(),
    )


if __name__ == "__main__":
    main()
