"""shop: the order desk of a small web shop, written in 2016 and kept running since."""
from shop.db import connect, Store
from shop.orders import Order, place_order
VERSION = '1.4.2'
