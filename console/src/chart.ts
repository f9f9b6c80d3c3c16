// Chart.js with only the parts the console draws (line and bar charts), registered once.
import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip
} from 'chart.js'

Chart.register(BarController, BarElement, CategoryScale, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip)
// Charts follow their box's width; the height is the canvas attribute.
Chart.defaults.maintainAspectRatio = false
Chart.defaults.animation = false

export { Chart }
export type { ChartConfiguration, Plugin } from 'chart.js'
