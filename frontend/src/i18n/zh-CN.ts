export default {
  app: {
    title: '南通企业职称和职业技能等级自主评审',
    short: '自主评审平台',
    subtitle: '谁用人、谁评价 · 放权不丢责',
  },
  common: {
    ok: '确定', cancel: '取消', save: '保存', search: '查询', reset: '重置', create: '新建', edit: '编辑',
    refresh: '刷新', actions: '操作', status: '状态', reason: '原因', loading: '加载中…', empty: '暂无数据',
    yes: '是', no: '否', detail: '详情', back: '返回', submit: '提交', confirm: '确认', close: '关闭',
    home: '返回首页', all: '全部', view: '查看', saved: '已保存', done: '操作成功', required: '必填',
    reasonPlaceholder: '请填写原因（至少 2 个字）', createdAt: '创建时间', updatedAt: '更新时间',
    name: '名称', version: '版本', id: '编号', total: '共 {n} 条', none: '无', remove: '移除', add: '添加',
    loadFailed: '加载失败', retry: '重试', enterprise: '企业', period: '周期', level: '等级', track: '类别',
    series: '系列/工种', note: '备注', from: '从', to: '至', select: '请选择', score: '得分',
  },
  roles: { regulator: '监管员', enterprise_admin: '企业人事管理员', expert: '评审专家', applicant: '申报人', null: '' },
  nav: {
    enterprises: '自主评审企业', enterprise: '企业详情', baselines: '基准标准与贯通', filings: '备案数据',
    filing: '备案详情', auditRuns: '评后审查', auditRun: '审查批次', flags: '疑点线索', cases: '核查案件',
    grades: '质量分级', standards: '我的评价标准', standard: '评价标准', sessions: '评审批次', session: '评审批次详情',
    users: '人员账号', myGrade: '我的质量等级', events: '操作日志', panels: '我的评审', panel: '评审任务',
    selfCheck: '申报自检', myApplications: '我的申报', equivalence: '职称技能贯通查询', forbidden: '无权访问',
    notFound: '页面不存在',
  },
  login: {
    title: '登录', username: '用户名', password: '密码', submit: '登录', logout: '退出登录',
    expired: '登录已过期，请重新登录', publicLookup: '无需登录：查询职称与技能等级贯通关系',
    intro: '企业自主评价本单位人才的职称和职业技能等级，人社部门备案审查、数据筛查、分级监管。',
    point1: '企业：制定标准、组建评委会、在线评审、公示备案',
    point2: '专家：回避声明、按指标评分、无记名表决',
    point3: '监管：评后审查、疑点核查、质量分级与处置',
  },
  public: { toApp: '进入系统' },
  errors: {
    forbiddenTitle: '无权访问', forbidden: '当前账号的角色不能打开此页面。', notFound: '您访问的页面不存在。',
  },
}
