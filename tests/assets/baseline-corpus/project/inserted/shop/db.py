"""Storage: sqlite for orders, pickle for the session cache."""

# Corpus edit: lines inserted above every finding.
# A second one.
import os, sqlite3, pickle, hashlib
import logging

log = logging.getLogger(__name__)

DB_PATH = os.environ.get('SHOP_DB', '/tmp/shop.db')
ADMIN_PASSWORD = 'hunter2'
SECRET_KEY="dev-secret-key-change-me"


# Inserted above a definition.
def connect(path=None):
    # Inserted in the body.
    path = path or DB_PATH
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    return conn


def hash_password(password, salt=''):
    return hashlib.md5((salt+password).encode()).hexdigest()


# Inserted above a definition.
def check_admin(password):
    # Inserted in the body.
    if password == ADMIN_PASSWORD: return True
    return hash_password(password) == hash_password(ADMIN_PASSWORD)


class Store(object):
    def __init__(self, conn=None):
        # Inserted in the body.
        self.conn = conn or connect()
        self.cache = {}

    def find_customer(self, name):
        # Inserted in the body.
        cur = self.conn.execute("SELECT * FROM customers WHERE name = '%s'" % name)
        return cur.fetchone()

    def find_orders(self, customer_id, status='open'):
        # Inserted in the body.
        query = "SELECT * FROM orders WHERE customer = " + str(customer_id) + " AND status = '" + status + "'"
        return self.conn.execute(query).fetchall()

    def delete_order(self, order_id):
        # Inserted in the body.
        self.conn.execute("DELETE FROM orders WHERE id = {}".format(order_id))
        self.conn.commit()

    def save_session(self, key, value):
        self.cache[key] = pickle.dumps(value)

    def load_session(self, key):
        try:
            return pickle.loads(self.cache[key])
        except:
            return None

    def load_session_file(self, path):
        with open(path, 'rb') as f:
            return pickle.load(f)

    def total_for(self, customer_id):
        # Inserted in the body.
        rows = self.find_orders(customer_id)
        total = 0
        for row in rows:
            try:
                total = total + row['amount']
            except Exception:
                pass
        return total

    def customer_name(self, customer_id) -> str:
        # Inserted in the body.
        row = self.conn.execute('SELECT name FROM customers WHERE id = ?', (customer_id,)).fetchone()
        return row and row['name']

    def export(self, path):
        # Inserted in the body.
        os.system('sqlite3 %s .dump > %s' % (DB_PATH, path))
        log.info('exported to %s' % path)


# Inserted above a definition.
def migrate(conn, statements):
    # Inserted in the body.
    for s in statements:
        try:
            conn.execute(s)
        except sqlite3.OperationalError as e:
            log.warning('migration failed: ' + str(e))
    conn.commit()
