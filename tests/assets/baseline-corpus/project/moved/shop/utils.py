"""Small helpers shared by the shop modules."""
import re, time
import hashlib
import yaml_config_loader




def retry(func, times=3, delay=1):
    for attempt in range(times):
        try:
            return func()
        except:
            time.sleep(delay)
    raise Exception('gave up after %d attempts' % times)


def checksum(data):
    return hashlib.sha1(data).hexdigest()


def load_settings(path):
    with open(path) as f:
        return yaml_config_loader.load(f.read())


def chunks(items, size):
    return [items[i:i+size] for i in range(0, len(items), size)]


def parse_bool(value):
    if value in ('1', 'true', 'yes', 'on'): return True
    elif value in ('0', 'false', 'no', 'off'): return False
    else: raise ValueError('not a boolean: %r' % value)


def safe_int(value, default=0):
    try:
        return int(value)
    except ValueError:
        pass
    return default


def mask_card(number: str) -> str:
    return '*' * (len(number) - 4) + number[-4:]


def percent(part: int, whole: int) -> int:
    return 100 * part / whole


def slugify(text):
    text = text.lower()
    text = re.sub('[^a-z0-9]+', '-', text)
    return text.strip('-')
