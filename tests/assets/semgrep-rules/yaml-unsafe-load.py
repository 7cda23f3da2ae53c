import yaml
from yaml import SafeLoader


def read(text):
    # ruleid: yaml-unsafe-load
    a = yaml.load(text)
    # ruleid: yaml-unsafe-load
    b = yaml.load(text, Loader=yaml.Loader)
    # ruleid: yaml-unsafe-load
    c = yaml.unsafe_load(text)
    # ruleid: yaml-unsafe-load
    d = yaml.load_all(text, Loader=yaml.FullLoader)
    # ok: yaml-unsafe-load
    e = yaml.safe_load(text)
    # ok: yaml-unsafe-load
    f = yaml.load(text, Loader=yaml.SafeLoader)
    # ok: yaml-unsafe-load
    g = yaml.load(text, Loader=SafeLoader)
    return a, b, c, d, e, f, g
