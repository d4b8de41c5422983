"""The fixed facts the seeded world is drawn from: real counties, trades, names and company words.

Sending counties are large agricultural labour-exporting counties of the
south-west and centre; receiving counties are the manufacturing districts of
the Pearl and Yangtze River deltas and southern Fujian. Codes are GB/T 2260
(reference/data/regions.csv); a code missing from the loaded reference data is
skipped, so the seed still runs on a trimmed table.
"""

# Sending county code → weight (a rough share of outbound workers).
SENDING_COUNTIES: dict[str, int] = {
    "530627": 5,  # 镇雄县, Zhaotong, Yunnan
    "530621": 2,  # 鲁甸县, Zhaotong, Yunnan
    "530326": 3,  # 会泽县, Qujing, Yunnan
    "530381": 3,  # 宣威市, Qujing, Yunnan
    "520526": 4,  # 威宁县, Bijie, Guizhou
    "520502": 3,  # 七星关区, Bijie, Guizhou
    "511321": 3,  # 南部县, Nanchong, Sichuan
    "510623": 3,  # 中江县, Deyang, Sichuan
    "511421": 3,  # 仁寿县, Meishan, Sichuan
    "411525": 4,  # 固始县, Xinyang, Henan
    "411623": 3,  # 商水县, Zhoukou, Henan
    "411627": 3,  # 太康县, Zhoukou, Henan
    "620422": 2,  # 会宁县, Baiyin, Gansu
    "621121": 2,  # 通渭县, Dingxi, Gansu
}

# Receiving county code → (short city name, weight).
RECEIVING_COUNTIES: dict[str, tuple[str, int]] = {
    "441900": ("东莞", 6),
    "440306": ("深圳宝安", 4),
    "440307": ("深圳龙岗", 3),
    "440605": ("佛山南海", 3),
    "440606": ("佛山顺德", 3),
    "330206": ("宁波北仑", 2),
    "330782": ("义乌", 2),
    "320583": ("昆山", 3),
    "350582": ("晋江", 2),
    "350211": ("厦门集美", 1),
}

# Trades of the receiving factories, sites and warehouses: occupation code → (industry, title).
MIGRANT_TRADES: dict[str, tuple[str, str]] = {
    "electronics_assembler": ("manufacturing", "电子厂普工"),
    "smt_operator": ("manufacturing", "SMT贴片操作工"),
    "injection_moulder": ("manufacturing", "注塑工"),
    "assembly_line_worker": ("manufacturing", "流水线操作工"),
    "quality_inspector": ("manufacturing", "品检员"),
    "hand_packer": ("manufacturing", "包装工"),
    "cnc_machining_operator": ("manufacturing", "CNC操作工"),
    "sewing_machinist": ("manufacturing", "平车工"),
    "shoe_machine_operator": ("manufacturing", "鞋厂针车工"),
    "welder": ("construction", "电焊工"),
    "rebar_worker": ("construction", "钢筋工"),
    "bricklayer": ("construction", "砌筑工"),
    "concrete_worker": ("construction", "混凝土工"),
    "construction_labourer": ("construction", "建筑普工"),
    "parcel_sorter": ("logistics", "快递分拣员"),
    "order_picker": ("logistics", "仓库拣货员"),
    "forklift_driver": ("logistics", "叉车司机"),
    "kitchen_helper": ("services", "厨房帮工"),
    "security_guard": ("services", "保安员"),
}

# Local work in the home prefecture: (posting kind, occupation code, title).
LOCAL_TRADES: tuple[tuple[str, str, str], ...] = (
    ("work_for_relief", "civil_labourer", "以工代赈农村公路建设"),
    ("work_for_relief", "construction_labourer", "以工代赈水利设施修缮"),
    ("public_welfare", "street_sweeper", "乡村公益性岗位保洁员"),
    ("public_welfare", "forestry_worker", "生态护林员"),
    ("ecommerce", "ecommerce_packer", "农产品电商打包员"),
    ("ecommerce", "livestream_seller", "县域电商直播带货"),
    ("entrepreneurship", "mushroom_grower", "返乡创业食用菌基地"),
    ("regular", "tea_picker", "茶园采茶工"),
)

# Course subjects by course type (the occupation each teaches).
COURSE_SUBJECTS: dict[str, tuple[str, ...]] = {
    "upgrade": ("welder", "electronics_assembler", "forklift_driver"),
    "targeted": ("injection_moulder", "smt_operator", "sewing_machinist"),
    "urgent": ("elderly_carer", "parcel_sorter", "cnc_machining_operator"),
    "conversion": ("construction_labourer", "kitchen_helper", "security_guard"),
    "entrepreneurship": ("ecommerce_operator", "livestream_seller", "mushroom_grower"),
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国春红文斌飞云海波志勇俊红梅兵林辉"
COMPANY_WORDS = "长兴华美宏达鑫源恒通永盛金利新丰嘉信瑞祥佳和汇丰广隆宏远富源众成天成立信"
COMPANY_KINDS = {
    "manufacturing": ("电子科技", "精密制造", "塑胶制品", "服饰", "鞋业", "五金制品"),
    "construction": ("建筑工程", "建设集团", "建工"),
    "logistics": ("供应链管理", "物流"),
    "services": ("物业服务", "餐饮管理"),
}
