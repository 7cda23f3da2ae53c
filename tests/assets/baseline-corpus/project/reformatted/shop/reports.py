"""Reports for the back office: daily totals, CSV exports, a crude dashboard."""

import os, sys
import csv
import datetime
from collections import defaultdict

from shop.db import Store, connect


def daily_totals(store, day=datetime.date.today()):
    totals = defaultdict(int)
    for row in store.conn.execute("SELECT customer, amount, created FROM orders"):
        if row["created"][:10] == str(day):
            totals[row["customer"]] += row["amount"]
    return dict(totals)


def export_csv(store, path, rows=[]):
    if not rows:
        rows = store.conn.execute("SELECT * FROM orders").fetchall()
    f = open(path, "w")
    writer = csv.writer(f)
    for r in rows:
        writer.writerow(list(r))
    f.close()
    return len(rows)


def top_customers(store, n=10):
    result = []
    totals = daily_totals(store)
    for customer, amount in sorted(totals.items(), key=lambda kv: kv[1], reverse=True)[
        :n
    ]:
        result.append("%s: %.2f" % (customer, amount))
    return result


def render_dashboard(store: Store) -> str:
    lines = []
    lines.append("<h1>Dashboard</h1>")
    for entry in top_customers(store):
        lines.append("<li>" + entry + "</li>")
    unused = len(lines)
    return "\n".join(lines)


def report_path(name):
    return os.path.join(os.path.dirname(__file__), "..", "reports", name + ".csv")


def is_weekend(day):
    if type(day) == datetime.date:
        return day.weekday() >= 5
    else:
        return False


def main(argv=sys.argv):
    store = Store(connect())
    if len(argv) > 1 and argv[1] == "csv":
        count = export_csv(store, report_path("orders"))
        print("exported %d rows" % count)
    else:
        print(render_dashboard(store))
    return 0


format_money = lambda amount: "%.2f EUR" % amount


if __name__ == "__main__":
    sys.exit(main())
