"""One module per screen; `ALL_SCREENS` is what the app's ScreenManager holds."""

from counter.screens.history import HistoryScreen
from counter.screens.login import LoginScreen
from counter.screens.manager import ManagerScreen
from counter.screens.order import OrderScreen
from counter.screens.packages import PackagesScreen
from counter.screens.payment import DoneScreen, PaymentScreen
from counter.screens.receipt import ReceiptScreen
from counter.screens.refund import RefundScreen
from counter.screens.search import SearchScreen
from counter.screens.shift import ShiftCloseScreen, ShiftOpenScreen, ShiftReportScreen

ALL_SCREENS = [LoginScreen, ShiftOpenScreen, ReceiptScreen, PaymentScreen, DoneScreen,
               SearchScreen, PackagesScreen, OrderScreen, HistoryScreen, RefundScreen,
               ShiftCloseScreen, ShiftReportScreen, ManagerScreen]
