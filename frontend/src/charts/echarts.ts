/** ECharts with only what the app draws (tree-shaken), registered once. */
import * as echarts from 'echarts/core'
import { BarChart, ScatterChart, LineChart } from 'echarts/charts'
import { GridComponent, TooltipComponent, LegendComponent, TitleComponent, MarkLineComponent, MarkAreaComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([BarChart, ScatterChart, LineChart, GridComponent, TooltipComponent, LegendComponent, TitleComponent, MarkLineComponent, MarkAreaComponent, CanvasRenderer])

export { echarts }
export type EChartsOption = echarts.EChartsCoreOption
