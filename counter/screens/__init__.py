"""One module and one .kv layout per screen; `ALL_SCREENS` is what the ScreenManager holds."""

from counter.screens.campaign_form import CampaignFormScreen
from counter.screens.coupons import CouponsScreen
from counter.screens.entries import EntriesScreen
from counter.screens.history import HistoryScreen
from counter.screens.login import LoginScreen
from counter.screens.manager import ManagerScreen
from counter.screens.members import MembersScreen
from counter.screens.order import OrderScreen
from counter.screens.packages import PackagesScreen
from counter.screens.payment import PaymentScreen, SaleDoneScreen
from counter.screens.price_override import PriceOverrideScreen
from counter.screens.purchases import PurchasesScreen
from counter.screens.push import PushScreen
from counter.screens.receipt import ReceiptScreen
from counter.screens.refund import RefundScreen
from counter.screens.reports import ReportsScreen
from counter.screens.search import SearchScreen
from counter.screens.shift import ShiftCloseScreen, ShiftOpenScreen, ShiftReportScreen
from counter.screens.stations import StationsScreen
from counter.screens.till import TillScreen
from counter.screens.try_receipt import TryReceiptScreen

ALL_SCREENS = [LoginScreen, ShiftOpenScreen, ReceiptScreen, PaymentScreen, SaleDoneScreen,
               SearchScreen, PackagesScreen, OrderScreen, HistoryScreen, RefundScreen,
               ShiftCloseScreen, ShiftReportScreen, ManagerScreen, CampaignFormScreen,
               CouponsScreen, EntriesScreen, PurchasesScreen, TryReceiptScreen, ReportsScreen,
               PushScreen, StationsScreen, TillScreen, PriceOverrideScreen, MembersScreen]
