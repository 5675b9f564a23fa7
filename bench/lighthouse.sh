#!/usr/bin/env bash
# Lighthouse 12 (from npm, on Node 20) at its mobile settings on sign-in, New contact, My
# entries, the review queue and one review page, against the demo district served by gunicorn
# on loopback; prints performance, accessibility, best practices, layout shift and bytes
# transferred per page. Run by hand: .venv/bin/... must exist (the README's setup).
#
#   bash bench/lighthouse.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

npm install --prefix "$work/npm" --no-audit --no-fund --silent lighthouse@12.8 >/dev/null
lighthouse="$work/npm/node_modules/lighthouse/cli/index.js"

export DATABASE_URL="sqlite:///$work/demo.sqlite3"
export SECRET_KEY="bench-only-secret-key-not-for-production"
.venv/bin/flask --app logger db upgrade >/dev/null 2>&1
.venv/bin/flask --app logger demo >"$work/demo.txt"
officer=$(awk '$1 == "officer" {print $2; exit}' "$work/demo.txt")
supervisor=$(awk '$1 == "supervisor" {print $2; exit}' "$work/demo.txt")
password=$(awk '$1 == "officer" {print $3; exit}' "$work/demo.txt")

port=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
.venv/bin/gunicorn --workers 2 --bind "127.0.0.1:$port" wsgi:app >/dev/null 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "$base/login" >/dev/null && break; sleep 0.2; done

# A signed-in session cookie for a user, through the real sign-in form.
session_for() {
  local jar="$work/$1.jar"
  local token
  token=$(curl -s -c "$jar" "$base/login" | sed -n 's/.*name="csrf_token"[^>]*value="\([^"]*\)".*/\1/p' | head -1)
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "username=$1" \
    --data-urlencode "password=$password" --data-urlencode "csrf_token=$token" "$base/login"
  awk '$6 == "session" {print "session=" $7}' "$jar"
}
officer_cookie=$(session_for "$officer")
supervisor_cookie=$(session_for "$supervisor")
review_page=$(curl -s -H "Cookie: $supervisor_cookie" "$base/review" \
  | grep -o 'href="/review/[0-9a-f-]\{36\}"' | head -1 | sed 's/href="\(.*\)"/\1/')

run() {  # name, path, cookie
  local headers="{}"
  [ -n "$3" ] && headers="{\"Cookie\": \"$3\"}"
  CHROME_PATH=/usr/bin/chromium node "$lighthouse" "$base$2" --quiet --output=json \
    --output-path="$work/$1.json" --only-categories=performance,accessibility,best-practices \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu" --extra-headers="$headers" \
    2>/dev/null || true
}
run sign-in /login ""
run new-contact /entries/new "$officer_cookie"
run my-entries /entries "$officer_cookie"
run review-queue /review "$supervisor_cookie"
run review-page "$review_page" "$supervisor_cookie"

.venv/bin/python - "$work" <<'EOF'
import json
import sys
from pathlib import Path

print(f"{'page':14} {'perf':>5} {'a11y':>5} {'best':>5} {'CLS':>6} {'KB transferred':>15}")
for name in ("sign-in", "new-contact", "my-entries", "review-queue", "review-page"):
    path = Path(sys.argv[1]) / f"{name}.json"
    if not path.exists():
        print(f"{name:14} (Lighthouse did not finish)")
        continue
    report = json.loads(path.read_text())
    score = {key: round(cat["score"] * 100) for key, cat in report["categories"].items()}
    audits = report["audits"]
    cls = audits["cumulative-layout-shift"]["numericValue"]
    kb = audits["total-byte-weight"]["numericValue"] / 1024
    print(f"{name:14} {score['performance']:>5} {score['accessibility']:>5} "
          f"{score['best-practices']:>5} {cls:>6.3f} {kb:>15.1f}")
EOF
